/* SPDX-License-Identifier: Apache-2.0 */
/* The only file that includes microhttpd.h: it adapts libmicrohttpd's
 * callbacks to struct req / struct resp and app_handle. libmicrohttpd runs
 * an epoll event loop per thread of its pool; a handler runs on the thread
 * that read its request. Limits: connection count, idle timeout (which also
 * ends slow-trickle connections), the per-connection memory pool (which
 * bounds request line plus headers), and the route's body cap, enforced
 * from Content-Length before the body is read. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/deadline.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

struct server {
	struct MHD_Daemon *d;
	struct app *app;
	struct deadlines *deadlines;
	atomic_int active;
	int port;
};

/* Slow bodies: below this average rate, after the header deadline, the
 * connection is dropped. A phone on a bad network still does 10 KiB/s. */
#define MIN_BODY_RATE 512

/* One request on its way through the server. */
struct exchange {
	struct req req;
	struct resp resp;
	struct buf body;
	size_t cap;
	struct deadline_watch *watch;
	bool started;
	bool answered;
	bool discarding; /* over the cap: read and drop the rest, then 413 */
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct server *s = cls;
	(void)c;
	struct exchange *x = xcalloc(1, sizeof(*x));
	req_init(&x->req, s->app);
	resp_init(&x->resp);
	x->req.start_ns = clock_mono_ns();
	x->req.target = arena_strdup(&x->req.arena, uri ? uri : "");
	return x;
}

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct exchange *x = cls;
	(void)kind;
	char *name = arena_strdup(&x->req.arena, key);
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	kvs_add(&x->req.headers, &x->req.arena, name, value ? value : "", value ? strlen(value) : 0);
	return MHD_YES;
}

static const char *peer_address(struct exchange *x, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char host[INET6_ADDRSTRLEN] = "";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host, sizeof(host));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, host,
				  sizeof(host));
	}
	return arena_strdup(&x->req.arena, host);
}

static enum MHD_Result send_response(struct server *s, struct MHD_Connection *c, struct exchange *x)
{
	struct resp *resp = &x->resp;
	struct MHD_Response *r;
	if (resp->raw) {
		r = MHD_create_response_from_buffer(resp->raw_len, (void *)resp->raw,
						    MHD_RESPMEM_PERSISTENT);
	} else {
		size_t len = 0;
		char *body = buf_take(&resp->body, &len);
		resp->sent_len = len;
		r = MHD_create_response_from_buffer_with_free_callback(len, body, free);
		if (!r)
			free(body);
	}
	if (!r)
		return MHD_NO;
	if (resp->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
	for (size_t i = 0; i < resp->headers.n; i++)
		MHD_add_response_header(r, resp->headers.v[i].name, resp->headers.v[i].value);
	if (app_draining(s->app))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	x->answered = ok == MHD_YES;
	return ok;
}

/* Answers at once, before the body is read (libmicrohttpd then discards
 * it), with whatever app_handle makes of the request as it stands. */
static enum MHD_Result answer_now(struct server *s, struct MHD_Connection *c, struct exchange *x)
{
	deadline_busy(x->watch);
	app_handle(s->app, &x->req, &x->resp);
	return send_response(s, c, x);
}

static bool content_length_over(const struct exchange *x)
{
	const char *cl = req_header(&x->req, "content-length");
	if (!cl)
		return false;
	char *end;
	unsigned long long n = strtoull(cl, &end, 10);
	return end != cl && *end == '\0' && n > x->cap;
}

/* Framing that a proxy in front could read differently from us (request
 * smuggling, RFC 9112 6.3): several Content-Length values, Content-Length
 * with Transfer-Encoding, or a header name that is not a token. */
static const char *bad_framing(const struct exchange *x)
{
	const struct kvs *h = &x->req.headers;
	const char *cl = NULL;
	bool te = false;
	for (size_t i = 0; i < h->n; i++) {
		const char *name = h->v[i].name;
		if (!*name || name[strcspn(name, " \t()<>@,;:\\\"/[]?={}")])
			return "a header name is not a token";
		if (!strcmp(name, "transfer-encoding"))
			te = true;
		if (strcmp(name, "content-length"))
			continue;
		if (cl && strcmp(cl, h->v[i].value))
			return "conflicting Content-Length headers";
		cl = h->v[i].value;
	}
	return cl && te ? "both Content-Length and Transfer-Encoding" : NULL;
}

static enum MHD_Result start(struct server *s, struct MHD_Connection *c, struct exchange *x,
			     const char *method)
{
	x->started = true;
	atomic_fetch_add(&s->active, 1);
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	x->watch = ci ? ci->socket_context : NULL;
	deadline_body(x->watch);
	x->req.method = arena_strdup(&x->req.arena, method);
	MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, x);
	x->req.peer_ip = peer_address(x, c);
	x->cap = app_body_cap(s->app, method, x->req.target);
	buf_init(&x->body, x->cap);
	const char *bad = bad_framing(x);
	if (bad) {
		x->req.framing_error = bad;
		return answer_now(s, c, x);
	}
	if (content_length_over(x)) {
		x->req.body_too_big = true;
		return answer_now(s, c, x);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	struct exchange *x = *req_cls;
	(void)url;
	(void)version;
	if (!x)
		return MHD_NO; /* the URI callback always runs first */
	if (!x->started)
		return start(s, c, x, method);
	if (*upload_size) {
		deadline_body_bytes(x->watch, *upload_size);
		/* A chunked body has no length to refuse up front, and an answer
		 * cannot be queued in the middle of one: drop the rest as it comes
		 * (the memory stays bounded) and answer 413 at its end. */
		if (!x->discarding && buf_add(&x->body, upload, *upload_size)) {
			x->discarding = true;
			x->req.body_too_big = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	deadline_busy(x->watch);
	x->req.body = buf_str(&x->body);
	x->req.body_len = x->body.len;
	app_handle(s->app, &x->req, &x->resp);
	return send_response(s, c, x);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct exchange *x = *req_cls;
	(void)c;
	if (!x)
		return;
	if (x->answered)
		app_finish(s->app, &x->req, &x->resp);
	if (x->started)
		atomic_fetch_sub(&s->active, 1);
	if (x->watch && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		deadline_next(x->watch);
	buf_cleanup(&x->body);
	resp_cleanup(&x->resp);
	req_cleanup(&x->req);
	free(x);
	*req_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = ci ? deadline_track(s->deadlines, ci->connect_fd) : NULL;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		deadline_untrack(s->deadlines, *socket_context);
		*socket_context = NULL;
	}
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("msg=\"libmicrohttpd\" detail=\"%s\"", msg);
}

/* Splits "host:port" or "[v6]:port" and resolves it to a socket address. */
static int resolve(const char *listen, struct sockaddr_storage *ss, bool *v6, struct brug_err *err)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen)
		return brug_failf(err, BRUG_EINVAL, "error.config", NULL,
				  "listen: expected HOST:PORT, got '%s'", listen);
	size_t hlen = (size_t)(colon - listen);
	if (listen[0] == '[' && hlen >= 2 && listen[hlen - 1] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)hlen - 2, listen + 1);
	else
		snprintf(host, sizeof(host), "%.*s", (int)hlen, listen);
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICSERV | AI_PASSIVE};
	struct addrinfo *ai = NULL;
	int g = getaddrinfo(host, colon + 1, &hints, &ai);
	if (g != 0)
		return brug_failf(err, BRUG_EINVAL, "error.config", NULL, "listen: cannot use '%s': %s",
				  listen, gai_strerror(g));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*v6 = ai->ai_family == AF_INET6;
	freeaddrinfo(ai);
	return 0;
}

int server_start(struct app *app, struct server **out, struct brug_err *err)
{
	const struct config *cfg = app_config(app);
	struct sockaddr_storage ss;
	bool v6 = false;
	int rc = resolve(cfg_str(cfg, CFG_LISTEN), &ss, &v6, err);
	if (rc)
		return rc;
	long threads = (long)cfg_int(cfg, CFG_THREADS);
	if (threads <= 0)
		threads = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 2;
	size_t header = (size_t)cfg_int(cfg, CFG_MAX_HEADER);
	size_t pool = header * 2 < 32768 ? 32768 : header * 2;
	struct server *s = xcalloc(1, sizeof(*s));
	s->app = app;
	atomic_init(&s->active, 0);
	s->deadlines = deadlines_start(cfg_int(cfg, CFG_IDLE_TIMEOUT) * 1000, MIN_BODY_RATE);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
	s->d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg_int(cfg, CFG_MAX_CONNECTIONS),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg_int(cfg, CFG_IDLE_TIMEOUT),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		MHD_OPTION_STRICT_FOR_CLIENT, 1,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
		MHD_OPTION_END);
	if (!s->d) {
		deadlines_stop(s->deadlines);
		free(s);
		return brug_failf(err, BRUG_EIO, "error.io", NULL,
				  "cannot listen on %s (in use, or not allowed)", cfg_str(cfg, CFG_LISTEN));
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	*out = s;
	return 0;
}

int server_port(const struct server *s)
{
	return s->port;
}

int server_active(const struct server *s)
{
	return atomic_load(&((struct server *)s)->active);
}

void server_stop(struct server *s, int timeout_s)
{
	if (!s)
		return;
	app_set_draining(s->app);
	MHD_socket fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	int64_t deadline = clock_mono_ns() + (int64_t)timeout_s * 1000000000;
	while (atomic_load(&s->active) > 0 && clock_mono_ns() < deadline)
		usleep(10000);
	if (atomic_load(&s->active) > 0)
		log_warn("msg=\"stopping with requests in flight\" count=%d", atomic_load(&s->active));
	MHD_stop_daemon(s->d);
	deadlines_stop(s->deadlines);
	free(s);
}
