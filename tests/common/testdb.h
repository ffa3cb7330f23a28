/* SPDX-License-Identifier: Apache-2.0 */
/* Fresh databases for tests, on the backend the test run asks for:
 * SQLite files in a temporary folder (default), or PostgreSQL databases on
 * the cluster BRUG_TEST_PG names (an admin URL such as
 * postgres://postgres@127.0.0.1:5432/postgres) when BRUG_TEST_BACKEND is
 * "pg". make test starts such a cluster and runs each suite both ways.
 * Every database made here is removed when the test program exits. */
#ifndef BRUG_TESTS_TESTDB_H
#define BRUG_TESTS_TESTDB_H

#include <stdbool.h>

/* True when this run is on PostgreSQL. Exits the program with a message
 * when BRUG_TEST_BACKEND is "pg" but no cluster is given (never skips). */
bool testdb_is_pg(void);
/* A new, empty database; its URL (static storage, valid until exit). */
const char *testdb_new(void);
/* Removes every database testdb_new made (also run at exit). Connections
 * to them must be closed first. */
void testdb_cleanup(void);

#endif
