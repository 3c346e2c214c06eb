package com.pipelinepulse.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.observability.RequestIdFilter;
import com.pipelinepulse.web.ProblemType;
import com.pipelinepulse.web.Problems;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.res.StringManager;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat's error report, as problem+json instead of an HTML page. It only speaks for errors that never reached
 * the application (everything else goes through {@code /error}): chiefly a request whose headers exceed
 * {@code server.max-http-request-header-size}, which Tomcat reports as a bare 400 and this valve turns into the
 * 431 that RFC 6585 defines for it.
 */
final class ProblemErrorReportValve extends ErrorReportValve {

    // Tomcat's own message for the header buffer overflowing, in the JVM's locale like the one it throws.
    private static final String HEADER_TOO_LARGE = StringManager.getManager("org.apache.coyote.http11")
            .getString("iib.requestheadertoolarge.error");

    // ... and for more header lines than the connector's maxHeaderCount (RFC 6585 covers both with 431).
    private static final String[] TOO_MANY_HEADERS = StringManager.getManager("org.apache.tomcat.util.http")
            .getString("headers.maxCountFail", "\u0000").split("\u0000", 2);

    private final ObjectMapper json;

    ProblemErrorReportValve(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        boolean headersTooLarge = status == 400 && headersTooLarge(throwable);
        ProblemType type = headersTooLarge ? ProblemType.HEADERS_TOO_LARGE : ProblemType.forStatus(status);
        int answered = headersTooLarge ? type.status().value() : status;
        String detail = headersTooLarge
                ? "The request headers are larger than this service accepts."
                : answered >= 500 ? "The server could not complete the request." : type.title() + ".";
        String requestId = UUID.randomUUID().toString();
        ProblemDetail problem = Problems.of(type.slug(), type.title(), answered, detail,
                Map.of(Problems.REQUEST_ID_PROPERTY, requestId), null);
        try {
            byte[] body = json.writeValueAsBytes(problem);
            response.setStatus(answered);
            response.setHeader(RequestIdFilter.HEADER, requestId);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setContentLength(body.length);
            OutputStream out = response.getOutputStream();
            out.write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response is unusable: nothing more to tell anyone.
        }
    }

    private static boolean headersTooLarge(Throwable t) {
        if (t == null || t.getMessage() == null) {
            return false;
        }
        String message = t.getMessage();
        return (t instanceof IllegalArgumentException && HEADER_TOO_LARGE.equals(message))
                || (t instanceof IllegalStateException && TOO_MANY_HEADERS.length == 2
                        && message.startsWith(TOO_MANY_HEADERS[0]) && message.endsWith(TOO_MANY_HEADERS[1]));
    }
}
