/* SPDX-License-Identifier: Apache-2.0 */
/* The benchmark baseline: the smallest libmicrohttpd server that does what
 * brug's server does, configured as src/http/mhd.c configures brug's (same
 * flags, thread pool of one thread per core, connection limit, timeouts,
 * memory pool, backlog), answering every request with the body brug's
 * /healthz sends. bench/run.sh measures it in the same run as brug, so the
 * ratio between the two is what brug's own code costs on this machine.
 * Depends on libmicrohttpd only; shares no code with brug on purpose.
 *
 *   bench_minimal PORT [THREADS]    listens on 127.0.0.1:PORT (0: a free
 *                                   port), prints "listening on port N",
 *                                   serves until SIGTERM or SIGINT. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* brug's defaults (src/core/config.c) as src/http/mhd.c passes them to
 * libmicrohttpd: keep these in step with those two files. */
#define MAX_CONNECTIONS 8192u /* max-connections */
#define IDLE_TIMEOUT	30u   /* idle-timeout, seconds */
#define MEMORY_POOL	32768u /* max(2 * max-header, 32768) */
#define LISTEN_BACKLOG	1024u

static const char body[] = "{\"status\":\"ok\"}";

/* One response, built once and queued for every request: the cheapest
 * answer libmicrohttpd can give. */
static struct MHD_Response *answer;

/* Like brug, answers on the second call, when the whole request (and any
 * body, which is read and dropped) has arrived; so POST rows measure the
 * same thing against this server as against brug. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	static int started;
	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	if (!*req_cls) {
		*req_cls = &started;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	return MHD_queue_response(c, MHD_HTTP_OK, answer);
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned port = 0, threads = 0;
	if (argc < 2 || argc > 3 || parse_uint(argv[1], 65535, &port) ||
	    (argc == 3 && parse_uint(argv[2], 256, &threads))) {
		fprintf(stderr, "usage: %s PORT [THREADS]   (PORT 0: any free port; "
				"THREADS 0 or absent: one per core)\n",
			argv[0]);
		return 2;
	}
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 2;
	}

	/* as brug serve: signals are taken by sigwait in this thread only */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	answer = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
						 MHD_RESPMEM_PERSISTENT);
	if (!answer || MHD_add_response_header(answer, MHD_HTTP_HEADER_CONTENT_TYPE,
					       "application/json") != MHD_YES) {
		fprintf(stderr, "cannot build the response\n");
		return 1;
	}
	/* loopback only, as brug is given --listen 127.0.0.1:PORT */
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_LIMIT, MAX_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_POOL,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, LISTEN_BACKLOG,
		MHD_OPTION_STRICT_FOR_CLIENT, 1,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "cannot listen on port %u\n", port);
		MHD_destroy_response(answer);
		return 1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("listening on port %u threads %u\n", di ? (unsigned)di->port : port, threads);
	fflush(stdout);

	int sig = 0;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	MHD_destroy_response(answer);
	return 0;
}
