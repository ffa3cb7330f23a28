/* SPDX-License-Identifier: Apache-2.0 */
/* Rendering a response: the same data becomes JSON for API clients or a
 * page for browsers (its view rendered with the shared page context), and
 * every error, from any layer, takes one of two shapes: the JSON body
 * {"error", "message", "detail", "fields"} or the error page. */
#ifndef BRUG_VIEW_RENDER_H
#define BRUG_VIEW_RENDER_H

#include "http/req.h"

/* Renders a named template with the page context (translations, user,
 * CSRF token) under data into out, for handlers that build a fragment or
 * an email; BRUG_ENOTFOUND for an unknown view. */
int render_view(struct req *req, struct resp *resp, const char *view, json_t *data,
		struct buf *out);

#endif
