package com.pipelinepulse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.pipelinepulse.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.util.ReflectionUtils;

/** The firewall in force is the application's (header rules of {@link HeaderCharacters}), and it still refuses. */
@IntegrationTest
class HttpFirewallIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    FilterChainProxy filterChainProxy;

    @Autowired
    HttpFirewall firewall;

    @Test
    void theSecurityFilterChainUsesTheApplicationsFirewall() {
        // Spring Security wraps the filter chain proxy that WebSecurity built (and gave the firewall) in proxies of
        // its own, which delegate setFirewall to it and leave their own field unused: look at the innermost one.
        Object proxy = filterChainProxy;
        while (ReflectionUtils.findField(proxy.getClass(), "springSecurityFilterChain") != null) {
            proxy = ReflectionTestUtils.getField(proxy, "springSecurityFilterChain");
        }
        assertThat(proxy).isExactlyInstanceOf(FilterChainProxy.class);
        assertThat(ReflectionTestUtils.getField(proxy, "firewall")).isSameAs(firewall);
    }

    @Test
    void aControlCharacterInAHeaderIsRefusedWithAProblemAndATabIsNot() throws Exception {
        mvc.perform(get("/api/auth/me").header("Authorization", "Bearer abc\u0007def"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        mvc.perform(get("/api/ping").header("Origin", "https://spa\u0001.example.com"))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/api/ping").header("User-Agent", "Mozilla/5.0\t(X11; caf\u00e9)"))
                .andExpect(status().isOk());
    }
}
