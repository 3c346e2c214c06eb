package com.pipelinepulse.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The single place where exceptions become responses. Every answer is {@code application/problem+json}
 * with a stable type; a 5xx never carries the exception's message or stack trace.
 */
@RestControllerAdvice
class GlobalExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GlobalExceptionHandler.class);

    @ExceptionHandler(ApiProblemException.class)
    ResponseEntity<Object> handleApiProblem(ApiProblemException ex, HttpServletRequest request) {
        ProblemDetail problem = Problems.of(ex.slug(), ex.title(), ex.status(), ex.getMessage(), ex.properties(),
                request);
        return problemResponse(problem, ex.headers());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception ex, HttpServletRequest request) throws Exception {
        if (ex instanceof AccessDeniedException || ex instanceof AuthenticationException) {
            // Spring Security's ExceptionTranslationFilter decides between 401 and 403.
            throw ex;
        }
        if (DatabaseUnavailable.is(ex)) {
            log.warn("Database unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(),
                    ex.getClass().getSimpleName());
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(DatabaseUnavailable.RETRY_AFTER_SECONDS));
            return problemResponse(Problems.of(ProblemType.SERVICE_UNAVAILABLE,
                    "The database is unavailable; try again shortly.", request), headers);
        }
        log.error("Unhandled error on {} {}", request.getMethod(), request.getRequestURI(), ex);
        ProblemDetail problem = Problems.of(ProblemType.INTERNAL_ERROR,
                "The server could not complete the request. Quote the request id when reporting it.", request);
        return problemResponse(problem, new HttpHeaders());
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.of(ProblemType.MALFORMED_BODY,
                "The request body is missing or is not valid JSON of the expected shape.", servletRequest(request));
        return problemResponse(problem, headers);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(e -> Map.of("field", e.getField(), "message", String.valueOf(e.getDefaultMessage())))
                .toList();
        ProblemDetail problem = Problems.of(ProblemType.VALIDATION_FAILED.slug(), ProblemType.VALIDATION_FAILED.title(),
                400, "One or more fields are invalid.", Map.of("errors", errors), servletRequest(request));
        return problemResponse(problem, headers);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.of(ProblemType.VALIDATION_FAILED, "One or more parameters are invalid.",
                servletRequest(request));
        return problemResponse(problem, headers);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.of(ProblemType.PAYLOAD_TOO_LARGE, "The request body is too large.",
                servletRequest(request));
        return problemResponse(problem, headers);
    }

    /** Every other Spring MVC exception (404, 405, 406, 415, missing parameters...) ends up here. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ProblemType type = ProblemType.forStatus(statusCode.value());
        String detail = statusCode.is5xxServerError() ? "The server could not complete the request."
                : safeDetail(body, type);
        ProblemDetail problem = Problems.of(type.slug(), type.title(), statusCode.value(), detail, Map.of(),
                servletRequest(request));
        return problemResponse(problem, headers);
    }

    // Spring's own 4xx details describe the request shape ("Content-Type 'text/plain' is not supported"),
    // never server internals; keep them, they help integrators.
    private static String safeDetail(Object body, ProblemType type) {
        if (body instanceof ProblemDetail pd && pd.getDetail() != null) {
            return pd.getDetail();
        }
        return type.title() + ".";
    }

    private static ResponseEntity<Object> problemResponse(ProblemDetail problem, HttpHeaders headers) {
        HttpHeaders out = new HttpHeaders();
        if (headers != null) {
            out.putAll(headers);
        }
        out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return ResponseEntity.status(problem.getStatus()).headers(out).body(problem);
    }

    private static HttpServletRequest servletRequest(WebRequest request) {
        return request instanceof NativeWebRequest nwr ? nwr.getNativeRequest(HttpServletRequest.class) : null;
    }
}
