package com.pipelinepulse.zoho.signin;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;

/**
 * Holds back the cookies that code inside the sign-in transaction sets (the session's refresh cookie), so that
 * a browser only ever receives them once that transaction has committed.
 */
final class DeferredCookieResponse extends HttpServletResponseWrapper {

    private final List<Cookie> cookies = new ArrayList<>();
    private final List<String> setCookieHeaders = new ArrayList<>();

    DeferredCookieResponse(HttpServletResponse response) {
        super(response);
    }

    @Override
    public void addCookie(Cookie cookie) {
        cookies.add(cookie);
    }

    @Override
    public void addHeader(String name, String value) {
        if (HttpHeaders.SET_COOKIE.equalsIgnoreCase(name)) {
            setCookieHeaders.add(value);
        } else {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (HttpHeaders.SET_COOKIE.equalsIgnoreCase(name)) {
            setCookieHeaders.clear();
            setCookieHeaders.add(value);
        } else {
            super.setHeader(name, value);
        }
    }

    /** Hands the held cookies to the real response. */
    void release() {
        HttpServletResponse target = (HttpServletResponse) getResponse();
        cookies.forEach(target::addCookie);
        setCookieHeaders.forEach(value -> target.addHeader(HttpHeaders.SET_COOKIE, value));
        cookies.clear();
        setCookieHeaders.clear();
    }
}
