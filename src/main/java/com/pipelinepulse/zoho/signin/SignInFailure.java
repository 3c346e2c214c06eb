package com.pipelinepulse.zoho.signin;

import java.util.UUID;

/** A sign-in attempt ends here: nothing is kept but the audit record. {@code detail} goes to the audit trail only. */
final class SignInFailure extends RuntimeException {

    private final SignInError error;
    private final String detail;
    private final UUID userId;
    private final String subject;

    SignInFailure(SignInError error, String detail) {
        this(error, detail, null, null);
    }

    SignInFailure(SignInError error, String detail, UUID userId, String subject) {
        super(error.code() + (detail == null ? "" : " (" + detail + ")"), null, false, false);
        this.error = error;
        this.detail = detail;
        this.userId = userId;
        this.subject = subject;
    }

    SignInError error() {
        return error;
    }

    String detail() {
        return detail;
    }

    UUID userId() {
        return userId;
    }

    String subject() {
        return subject;
    }
}
