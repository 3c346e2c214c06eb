package com.pipelinepulse.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.observability.ClientAddress;
import com.pipelinepulse.web.ProblemResponseWriter;
import com.pipelinepulse.web.ProblemType;
import jakarta.servlet.DispatcherType;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RequestLimitProperties.class)
class RequestLimitsConfiguration {

    @Bean
    FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(RequestLimitProperties properties,
            ProblemResponseWriter problems) {
        var registration = new FilterRegistrationBean<>(new RequestBodyLimitFilter(properties.maxBodySize().toBytes(),
                properties.bodyReadTimeout(), problems));
        // Before the client address, rate limits and security: an oversized body costs nothing but this check.
        registration.setOrder(ClientAddress.RESOLVER_FILTER_ORDER - 5);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /**
     * Requests that Spring Security's firewall refuses (methods such as {@code TRACE}, encoded slashes, path
     * traversal) get a 400 problem like every other error, instead of an empty response.
     */
    @Bean
    RequestRejectedHandler problemRequestRejectedHandler(ProblemResponseWriter problems) {
        return (request, response, rejected) -> problems.write(request, response, ProblemType.BAD_REQUEST,
                "The request was rejected.");
    }

    /**
     * Spring Security's default firewall, with its header rules decided without a regular expression
     * ({@link HeaderCharacters}: the same answers, a fraction of the cost on a bearer token). Spring Security's
     * {@code WebSecurity} uses the application's {@code HttpFirewall} bean ({@code HttpFirewallIntegrationTests}).
     */
    @Bean
    StrictHttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderCharacters::allowedName);
        firewall.setAllowedHeaderValues(HeaderCharacters::allowedValue);
        return firewall;
    }

    @Bean
    ProblemErrorReports problemErrorReports(ObjectMapper json) {
        return new ProblemErrorReports(json);
    }

    /**
     * Replaces the host's error report valve (Spring Boot installs a plain one) with the problem+json one. Runs
     * after Boot's own customizers, so that the valve Boot added is there to be replaced.
     */
    static final class ProblemErrorReports
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        private final ObjectMapper json;

        ProblemErrorReports(ObjectMapper json) {
            this.json = json;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                Container host = context.getParent();
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.getPipeline().addValve(new ProblemErrorReportValve(json));
                if (host instanceof StandardHost standardHost) {
                    // The host adds its default valve at start unless one of this class is already present.
                    standardHost.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                }
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
