package com.pipelinepulse.secrets;

/** Which source served a secret; shown by the {@code secrets} health component. */
enum SecretSource {
    AWS("aws"), ENV("env"), GENERATED("generated"), MISSING("missing");

    final String label;

    SecretSource(String label) {
        this.label = label;
    }
}
