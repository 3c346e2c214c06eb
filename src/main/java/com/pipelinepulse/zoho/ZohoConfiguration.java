package com.pipelinepulse.zoho;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.zoho.accounts.HttpZohoAccounts;
import com.pipelinepulse.zoho.accounts.ZohoAccounts;
import com.pipelinepulse.zoho.accounts.ZohoHttp;
import com.pipelinepulse.zoho.crm.CrmCurrentUserClient;
import com.pipelinepulse.zoho.signin.SpaProperties;
import com.pipelinepulse.zoho.tokens.ZohoTokenManager;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ZohoProperties.class, SpaProperties.class, ZohoTokenProperties.class})
class ZohoConfiguration {

    @Bean
    ZohoDataCenters zohoDataCenters(ZohoProperties properties) {
        return ZohoDataCenters.of(properties.dataCenters());
    }

    /**
     * The accounts transport: connect timeout 10 s, and per call the same budget as a whole token operation
     * ({@code resilience4j.timelimiter.instances.zoho-token.timeout-duration}, 30 s).
     */
    @Bean
    ZohoHttp zohoHttp(ObjectMapper objectMapper, ZohoTokenProperties tokens, TimeLimiterRegistry timeLimiters) {
        return new ZohoHttp(objectMapper, tokens.connectTimeout(),
                timeLimiters.timeLimiter(ZohoTokenManager.RESILIENCE_NAME).getTimeLimiterConfig().getTimeoutDuration());
    }

    @Bean
    ZohoAccounts zohoAccounts(ZohoHttp http, Secrets secrets, ZohoProperties properties) {
        return new HttpZohoAccounts(http, secrets, properties.redirectUri());
    }

    @Bean
    CrmCurrentUserClient crmCurrentUserClient(ZohoHttp http) {
        return new CrmCurrentUserClient(http);
    }

    @Bean
    ZohoCrmClient zohoCrmClient(ZohoConnections connections, ZohoTokenManager tokens, ObjectMapper objectMapper,
            ZohoTokenProperties properties) {
        return new ZohoCrmClient(connections, tokens,
                new ZohoHttp(objectMapper, properties.connectTimeout(), properties.crmCallTimeout()),
                new ZohoHttp(objectMapper, properties.connectTimeout(), properties.connectionTestTimeout()));
    }
}
