package com.pipelinepulse.security;

import com.pipelinepulse.observability.ClientAddress;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/** Resolves the client address once per request and stores it where {@link ClientAddress#of} finds it. */
final class ClientAddressFilter extends OncePerRequestFilter {

    private final ClientAddressResolver resolver;

    ClientAddressFilter(ClientAddressResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        request.setAttribute(ClientAddress.ATTRIBUTE,
                resolver.resolve(request.getRemoteAddr(), request.getHeaders(resolver.headerName())));
        chain.doFilter(request, response);
    }
}
