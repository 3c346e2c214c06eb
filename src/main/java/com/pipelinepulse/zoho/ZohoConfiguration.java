package com.pipelinepulse.zoho;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.zoho.accounts.HttpZohoAccounts;
import com.pipelinepulse.zoho.accounts.ZohoClientRegistrations;
import com.pipelinepulse.zoho.accounts.ZohoAccounts;
import com.pipelinepulse.zoho.accounts.ZohoHttp;
import com.pipelinepulse.zoho.crm.CrmCurrentUserClient;
import com.pipelinepulse.zoho.signin.SpaProperties;
import com.pipelinepulse.zoho.tokens.ZohoTokenManager;
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
     * The accounts transport: connect timeout ({@code pipelinepulse.zoho.tokens.connect-timeout}, 10 s) and per call
     * {@code pipelinepulse.zoho.tokens.http-timeout} (30 s).
     */
    @Bean
    ZohoHttp zohoHttp(ObjectMapper objectMapper, ZohoTokenProperties tokens) {
        return new ZohoHttp(objectMapper, tokens.connectTimeout(), tokens.httpTimeout());
    }

    /** Our Zoho client as Spring Security client registrations, one per data centre, from the current secrets. */
    @Bean
    ZohoClientRegistrations zohoClientRegistrations(ZohoDataCenters dataCenters, Secrets secrets,
            ZohoProperties properties) {
        return new ZohoClientRegistrations(dataCenters, secrets, properties.redirectUri(), properties.scopes());
    }

    @Bean
    ZohoAccounts zohoAccounts(ZohoHttp http, ObjectMapper objectMapper, ZohoClientRegistrations registrations,
            ZohoDataCenters dataCenters) {
        return new HttpZohoAccounts(http, objectMapper, registrations, dataCenters);
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
