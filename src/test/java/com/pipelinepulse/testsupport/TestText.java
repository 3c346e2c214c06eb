package com.pipelinepulse.testsupport;

import com.pipelinepulse.audit.SecurityEvent;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.springframework.test.context.event.ApplicationEvents;

/** Small helpers several tests share: random hex, HTML unescaping of the stand-in's links, recorded sign-ins. */
public final class TestText {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestText() {
    }

    /** {@code bytes} random bytes as lower-case hex ({@code 2 * bytes} characters). */
    public static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Undoes the HTML escaping the stand-in's page (a Handlebars template) applies to a link. */
    public static String htmlUnescape(String text) {
        return text.replace("&#x3D;", "=").replace("&#x27;", "'").replace("&#x60;", "`").replace("&quot;", "\"")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** The {@code sign_in} security events recorded by {@code @RecordApplicationEvents}, in order. */
    public static List<SecurityEvent> signInEvents(ApplicationEvents events) {
        return events.stream(SecurityEvent.class).filter(e -> e.type().equals(SecurityEvent.Types.SIGN_IN)).toList();
    }
}
