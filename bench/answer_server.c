/* SPDX-License-Identifier: Apache-2.0 */
/* The baseline of the answer row: the least a server can do for a survey
 * answer posted from a browser's form. A libmicrohttpd server configured
 * as bench/minimal.c (that is, as src/http/mhd.c configures brug's) over
 * one SQLite file opened as src/db/db_sqlite.c opens brug's (WAL,
 * synchronous=NORMAL, foreign keys on, a 5 s busy timeout, no memory
 * statistics), one connection per server thread as brug's db_pool keeps
 * them. For every POST /s/{token} it reads the urlencoded body (a.nps and
 * a.reason), runs BEGIN IMMEDIATE; INSERT one row (invitation id,
 * question, score, text, time) into a table with a primary key; COMMIT,
 * and answers 303 See Other to /s/{token} with an empty body, as brug
 * answers a form post that saved (the browser then shows the page again).
 * The token's id is taken as it stands: no MAC is checked here.
 * bench/run.sh measures it in the same run as brug's answer row.
 *
 *   bench_answer_server PORT FILE [THREADS]   listens on 127.0.0.1:PORT (0:
 *                                   a free port), prints "listening on port
 *                                   N", serves until SIGTERM or SIGINT.
 *
 * Depends on libmicrohttpd and SQLite only; shares no code with brug on
 * purpose, so it stays a baseline. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* as bench/minimal.c: brug's defaults as src/http/mhd.c passes them */
#define MAX_CONNECTIONS 8192u
#define IDLE_TIMEOUT	30u
#define MEMORY_POOL	32768u
#define LISTEN_BACKLOG	1024u
#define BUSY_TIMEOUT_MS 5000 /* as src/db/db_sqlite.c */
#define BODY_MAX	(64 * 1024) /* brug's limit for POST /s/{token} */
#define FIELD_MAX	2048

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"CREATE TABLE IF NOT EXISTS answers ("
	" id INTEGER PRIMARY KEY, invitation_id BIGINT NOT NULL, question TEXT NOT NULL,"
	" score BIGINT, text TEXT NOT NULL DEFAULT '', answered_at BIGINT NOT NULL);";

enum { BEGIN, INSERT, COMMIT, ROLLBACK, NSTMT };
static const char *const sql[NSTMT] = {
	[BEGIN] = "BEGIN IMMEDIATE",
	[INSERT] = ("INSERT INTO answers (invitation_id, question, score, text, answered_at)"
		    " VALUES (?, ?, ?, ?, ?)"),
	[COMMIT] = "COMMIT",
	[ROLLBACK] = "ROLLBACK",
};

/* One connection per server thread, opened at its first request. */
struct conn {
	sqlite3 *h;
	sqlite3_stmt *st[NSTMT];
};

static const char *db_path;
static pthread_key_t conn_key;

/* A request's body, gathered as it arrives. */
struct upload {
	char *data;
	size_t len, cap;
	int too_big;
};

static struct MHD_Response *bad_request, *failed;

static sqlite3 *open_db(void)
{
	sqlite3 *h = NULL;
	int c = sqlite3_open_v2(db_path, &h,
				SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
					SQLITE_OPEN_EXRESCODE,
				NULL);
	if (c == SQLITE_OK) {
		sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
		c = sqlite3_exec(h,
				 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
				 " PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;"
				 " PRAGMA temp_store=MEMORY;",
				 NULL, NULL, NULL);
	}
	if (c != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", db_path, h ? sqlite3_errmsg(h) : sqlite3_errstr(c));
		sqlite3_close(h);
		return NULL;
	}
	return h;
}

static void conn_close(void *p)
{
	struct conn *k = p;
	for (int i = 0; i < NSTMT; i++)
		sqlite3_finalize(k->st[i]);
	sqlite3_close(k->h);
	free(k);
}

static struct conn *conn_get(void)
{
	struct conn *k = pthread_getspecific(conn_key);
	if (k)
		return k;
	k = calloc(1, sizeof(*k));
	if (!k || !(k->h = open_db())) {
		free(k);
		return NULL;
	}
	for (int s = 0; s < NSTMT; s++) {
		if (sqlite3_prepare_v3(k->h, sql[s], -1, SQLITE_PREPARE_PERSISTENT, &k->st[s],
				       NULL) != SQLITE_OK) {
			fprintf(stderr, "%s: %s\n", sql[s], sqlite3_errmsg(k->h));
			conn_close(k);
			return NULL;
		}
	}
	pthread_setspecific(conn_key, k);
	return k;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The value of field name in an urlencoded body, decoded into out (at
 * most cap - 1 bytes); -1 when absent, malformed or too long. */
static int form_value(const char *body, size_t len, const char *name, char *out, size_t cap)
{
	size_t nlen = strlen(name), i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && body[end] != '&')
			end++;
		if (end - i > nlen && !memcmp(body + i, name, nlen) && body[i + nlen] == '=') {
			size_t w = 0;
			for (size_t p = i + nlen + 1; p < end; p++) {
				int c = (unsigned char)body[p];
				if (c == '+') {
					c = ' ';
				} else if (c == '%') {
					int hi = p + 2 < end ? hex(body[p + 1]) : -1;
					int lo = p + 2 < end ? hex(body[p + 2]) : -1;
					if (hi < 0 || lo < 0)
						return -1;
					c = hi * 16 + lo;
					p += 2;
				}
				if (w + 1 >= cap)
					return -1;
				out[w++] = (char)c;
			}
			out[w] = '\0';
			return 0;
		}
		i = end + 1;
	}
	return -1;
}

/* Runs statement s to its end. */
static int step(struct conn *k, int s)
{
	sqlite3_stmt *st = k->st[s];
	int c;
	while ((c = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return c == SQLITE_DONE ? 0 : c;
}

/* One answer row in its own transaction; 0 or -1. */
static int save(int64_t invitation, int64_t score, const char *text)
{
	struct conn *k = conn_get();
	if (!k)
		return -1;
	if (step(k, BEGIN))
		goto fail;
	sqlite3_stmt *st = k->st[INSERT];
	sqlite3_bind_int64(st, 1, invitation);
	sqlite3_bind_text(st, 2, "nps", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, score);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now_ms());
	if (step(k, INSERT) || step(k, COMMIT))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "bench_answer_server: %s\n", sqlite3_errmsg(k->h));
	if (!sqlite3_get_autocommit(k->h))
		step(k, ROLLBACK);
	return -1;
}

/* The whole body has arrived: check it, save it, answer. */
static enum MHD_Result answer(struct MHD_Connection *c, const char *url, struct upload *u)
{
	char score_s[8], text[FIELD_MAX];
	const char *token = strncmp(url, "/s/", 3) ? NULL : url + 3;
	char *end = NULL;
	long long inv = token ? strtoll(token, &end, 10) : 0;
	long long score = -1;
	if (!token || inv <= 0 || *end != '.' || u->too_big ||
	    form_value(u->data ? u->data : "", u->len, "a.nps", score_s, sizeof(score_s)) ||
	    form_value(u->data ? u->data : "", u->len, "a.reason", text, sizeof(text)))
		return MHD_queue_response(c, MHD_HTTP_BAD_REQUEST, bad_request);
	score = strtoll(score_s, &end, 10);
	if (!*score_s || *end || score < 0 || score > 10)
		return MHD_queue_response(c, MHD_HTTP_BAD_REQUEST, bad_request);
	if (save(inv, score, text))
		return MHD_queue_response(c, MHD_HTTP_INTERNAL_SERVER_ERROR, failed);
	/* a response of its own: its Location names this request's token */
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (!r || MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, url) != MHD_YES) {
		if (r)
			MHD_destroy_response(r);
		return MHD_NO;
	}
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *size, void **req_cls)
{
	(void)cls;
	(void)version;
	struct upload *u = *req_cls;
	if (!u) {
		if (!(u = calloc(1, sizeof(*u))))
			return MHD_NO;
		*req_cls = u;
		return MHD_YES;
	}
	if (*size) {
		if (u->len + *size > BODY_MAX) {
			u->too_big = 1;
		} else {
			if (u->len + *size + 1 > u->cap) {
				size_t cap = u->cap ? u->cap : 512;
				while (cap < u->len + *size + 1)
					cap *= 2;
				char *p = realloc(u->data, cap);
				if (!p)
					return MHD_NO;
				u->data = p;
				u->cap = cap;
			}
			memcpy(u->data + u->len, data, *size);
			u->len += *size;
		}
		*size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_POST))
		return MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, bad_request);
	return answer(c, url, u);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct upload *u = *req_cls;
	if (u) {
		free(u->data);
		free(u);
		*req_cls = NULL;
	}
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

static struct MHD_Response *text_response(const char *s)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(s), (void *)s, MHD_RESPMEM_PERSISTENT);
	if (r && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					 "text/plain; charset=utf-8") != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return r;
}

static int setup_db(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* as brug */
	sqlite3 *h = open_db();
	if (!h)
		return -1;
	char *msg = NULL;
	int c = sqlite3_exec(h, schema, NULL, NULL, &msg);
	if (c != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", db_path, msg ? msg : sqlite3_errstr(c));
	sqlite3_free(msg);
	sqlite3_close(h);
	return c == SQLITE_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned port = 0, threads = 0;
	if (argc < 3 || argc > 4 || parse_uint(argv[1], 65535, &port) ||
	    (argc == 4 && parse_uint(argv[3], 256, &threads))) {
		fprintf(stderr, "usage: %s PORT FILE [THREADS]   (PORT 0: any free port; "
				"THREADS 0 or absent: one per core)\n",
			argv[0]);
		return 2;
	}
	db_path = argv[2];
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 2;
	}
	if (setup_db() || pthread_key_create(&conn_key, conn_close))
		return 1;

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	bad_request = text_response("bad request\n");
	failed = text_response("the answer was not saved\n");
	if (!bad_request || !failed) {
		fprintf(stderr, "cannot build the responses\n");
		return 1;
	}
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
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "cannot listen on port %u\n", port);
		return 1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("listening on port %u threads %u\n", di ? (unsigned)di->port : port, threads);
	fflush(stdout);

	int sig = 0;
	sigwait(&set, &sig);
	/* the pool's threads end here, each closing its connection (conn_key) */
	MHD_stop_daemon(d);
	MHD_destroy_response(bad_request);
	MHD_destroy_response(failed);
	return 0;
}
