package com.pipelinepulse.web;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * The 400 {@code validation-failed} problem for a bad query parameter: the detail and {@code errors[0].field}
 * name the parameter and what it must be, never echoing the value that was sent.
 */
public final class ParameterProblems {

    private ParameterProblems() {
    }

    /** {@code expected} completes "Query parameter 'x' must be ...", e.g. "a whole number from 1 to 200". */
    public static ApiProblemException invalid(String parameter, String expected) {
        return new ApiProblemException(ProblemType.VALIDATION_FAILED, "Query parameter '" + parameter + "' must be "
                + expected + ".", Map.of("errors", List.of(Map.of("field", parameter, "message", "must be " + expected))),
                new HttpHeaders());
    }
}
