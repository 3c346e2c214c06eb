package com.pipelinepulse.security;

import com.pipelinepulse.observability.ClientAddress;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClientAddressProperties.class)
class ClientAddressConfiguration {

    @Bean
    FilterRegistrationBean<ClientAddressFilter> clientAddressFilter(ClientAddressProperties properties) {
        var resolver = new ClientAddressResolver(properties.trustedProxies(), properties.forwardedHeader());
        var registration = new FilterRegistrationBean<>(new ClientAddressFilter(resolver));
        registration.setOrder(ClientAddress.RESOLVER_FILTER_ORDER);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.addUrlPatterns("/*");
        return registration;
    }
}
