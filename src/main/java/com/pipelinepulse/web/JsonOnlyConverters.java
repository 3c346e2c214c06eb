package com.pipelinepulse.web;

import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.xml.Jaxb2RootElementHttpMessageConverter;
import org.springframework.http.converter.yaml.MappingJackson2YamlHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API answers in JSON (and problem+json) only. Spring MVC also registers an XML converter and a YAML one because
 * their libraries are on the class path (the JAXB API and Jackson's YAML module arrive with other dependencies), so a
 * client asking for {@code application/yaml} got YAML. Every response asked each converter whether it could write the
 * body, and the XML one looks for JAXB annotations on the body's class each time: about 2 % of a refresh's CPU and
 * more of a ping's (docs/benchmarks.md). Without them such a request is answered 406, like any other media type the
 * API does not speak.
 */
@Configuration(proxyBeanMethods = false)
class JsonOnlyConverters implements WebMvcConfigurer {

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.removeIf(converter -> converter instanceof Jaxb2RootElementHttpMessageConverter
                || converter instanceof MappingJackson2YamlHttpMessageConverter);
    }
}
