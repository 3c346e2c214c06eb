package com.pipelinepulse.zoho.signin;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a sign-in can write: users, Zoho connections (with their tokens) and sessions. Tests compare a snapshot
 * before and after a refused attempt.
 */
record RowCounts(int users, int connections, int sessions, long connectionsFingerprint) {

    static RowCounts of(JdbcClient jdbc) {
        return new RowCounts(
                jdbc.sql("select count(*) from app_user").query(Integer.class).single(),
                jdbc.sql("select count(*) from zoho_connection").query(Integer.class).single(),
                jdbc.sql("select count(*) from user_session").query(Integer.class).single(),
                // Any change to any stored token or timestamp changes this.
                jdbc.sql("""
                        select coalesce(sum(hashtext(coalesce(access_token, '') || coalesce(refresh_token, '')
                            || updated_at::text)), 0) from zoho_connection""").query(Long.class).single());
    }
}
