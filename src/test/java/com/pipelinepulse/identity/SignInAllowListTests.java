package com.pipelinepulse.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which lists admit whom: each list that is set must admit the person, an unset list admits everyone. */
class SignInAllowListTests {

    private static final IdentityProperties.Regions REGIONS = new IdentityProperties.Regions("AMER", Map.of(),
            Map.of());

    private static SignInAllowList allowList(List<String> orgs, List<String> domains) {
        return new SignInAllowList(new IdentityProperties(List.of(), orgs, domains, REGIONS));
    }

    @Test
    void organisationsOnly() {
        SignInAllowList list = allowList(List.of(" 4000000000000001 ", ""), List.of());
        assertThat(list.checksOrganisation()).isTrue();
        assertThat(list.refusal("4000000000000001", "anyone@anywhere.example")).isEmpty();
        assertThat(list.refusal("4000000000000002", "ada@example.com"))
                .contains(SignInAllowList.ORGANISATION_NOT_ALLOWED);
        assertThat(list.refusal(null, "ada@example.com")).contains(SignInAllowList.ORGANISATION_NOT_ALLOWED);
    }

    @Test
    void emailDomainsOnlyMatchExactlyIgnoringCase() {
        SignInAllowList list = allowList(List.of(), List.of("Example.COM", "@corp.example"));
        assertThat(list.checksOrganisation()).isFalse();
        assertThat(list.refusal(null, "Ada@EXAMPLE.com")).isEmpty();
        assertThat(list.refusal(null, "bo@corp.example")).isEmpty();
        for (String email : new String[] {"ada@sub.example.com", "ada@example.com.evil.example", "ada@notexample.com",
                "no-at-sign", ""}) {
            assertThat(list.refusal(null, email)).as(email).contains(SignInAllowList.EMAIL_DOMAIN_NOT_ALLOWED);
        }
        assertThat(list.refusal(null, null)).contains(SignInAllowList.EMAIL_DOMAIN_NOT_ALLOWED);
    }

    @Test
    void withBothListsBothMustAdmit() {
        SignInAllowList list = allowList(List.of("4000000000000001"), List.of("example.com"));
        assertThat(list.refusal("4000000000000001", "ada@example.com")).isEmpty();
        assertThat(list.refusal("4000000000000002", "ada@example.com"))
                .contains(SignInAllowList.ORGANISATION_NOT_ALLOWED);
        assertThat(list.refusal("4000000000000001", "carl@contractor.example"))
                .contains(SignInAllowList.EMAIL_DOMAIN_NOT_ALLOWED);
    }

    @Test
    void withNeitherListEveryoneIsAdmitted() {
        // Only reachable in local and test: production refuses to start like this (StartupSafetyRules).
        SignInAllowList list = allowList(null, null);
        assertThat(list.checksOrganisation()).isFalse();
        assertThat(list.refusal(null, "anyone@anywhere.example")).isEmpty();
    }
}
