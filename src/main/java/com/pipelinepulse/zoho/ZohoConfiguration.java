package com.pipelinepulse.zoho;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pipelinepulse.secrets.Secrets;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ZohoProperties.class, SpaProperties.class})
class ZohoConfiguration {

    @Bean
    ZohoDataCenters zohoDataCenters(ZohoProperties properties) {
        return ZohoDataCenters.of(properties.dataCenters());
    }

    @Bean
    ZohoHttp zohoHttp(ObjectMapper objectMapper) {
        return new ZohoHttp(objectMapper, ZohoHttp.CONNECT_TIMEOUT, ZohoHttp.TOKEN_CALL_TIMEOUT);
    }

    @Bean
    ZohoAccounts zohoAccounts(ZohoHttp http, Secrets secrets, ZohoProperties properties) {
        return new HttpZohoAccounts(http, secrets, properties.redirectUri());
    }

    @Bean
    CrmCurrentUserClient crmCurrentUserClient(ZohoHttp http) {
        return new CrmCurrentUserClient(http);
    }
}
