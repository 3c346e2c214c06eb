/** The stored Zoho connections and their encrypted tokens, the token manager that refreshes them, and its health. */
package com.pipelinepulse.zoho.tokens;
