package com.pipelinepulse.pipeline.sync;

import com.pipelinepulse.identity.RegionMapper;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PipelineSyncProperties.class)
class PipelineSyncConfiguration {

    @Bean
    DealDerivation dealDerivation(PipelineSyncProperties properties, RegionMapper regions) {
        return new DealDerivation(properties, regions);
    }
}
