package com.pipelinepulse.secrets;

import java.util.Map;

/** Reads one AWS secret ({@code {prefix}/{environment}/{group}}) as its JSON fields. */
@FunctionalInterface
interface SecretGroupReader {

    /**
     * @return the secret's string fields
     * @throws RuntimeException when the secret cannot be read (unreachable, throttled, missing, not JSON)
     */
    Map<String, String> read(String group);
}
