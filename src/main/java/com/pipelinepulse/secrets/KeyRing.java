package com.pipelinepulse.secrets;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A versioned set of symmetric keys: {@code kid -> key bytes}, of which the first listed is the active one
 * (used to sign or encrypt); the others are still accepted for verifying or decrypting.
 *
 * <p>Text form (environment variables and AWS secret fields): {@code kid:base64url-key,kid2:base64url-key}.
 * {@link #toString()} never shows key material.
 */
public final class KeyRing {

    private final String activeKid;
    private final Map<String, byte[]> keys;

    private KeyRing(String activeKid, Map<String, byte[]> keys) {
        this.activeKid = activeKid;
        this.keys = Collections.unmodifiableMap(keys);
    }

    public static KeyRing of(String activeKid, Map<String, byte[]> keys) {
        if (!keys.containsKey(activeKid)) {
            throw new IllegalArgumentException("the active key id is not in the key ring");
        }
        Map<String, byte[]> ordered = new LinkedHashMap<>();
        ordered.put(activeKid, keys.get(activeKid).clone());
        keys.forEach((kid, key) -> ordered.putIfAbsent(kid, key.clone()));
        return new KeyRing(activeKid, ordered);
    }

    /**
     * Parses the text form. Messages name the position of a bad entry, never its value.
     *
     * @throws IllegalArgumentException when the text is empty or malformed
     */
    public static KeyRing parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("key ring is empty");
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String first = null;
        String[] entries = text.trim().split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("key ring entry " + (i + 1) + " is not of the form kid:base64url-key");
            }
            String kid = entry.substring(0, colon);
            if (!kid.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("key ring entry " + (i + 1) + " has an invalid key id");
            }
            byte[] key;
            try {
                key = Base64.getUrlDecoder().decode(entry.substring(colon + 1).replace('+', '-').replace('/', '_')
                        .replace("=", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key ring entry " + (i + 1) + " is not valid base64url");
            }
            if (keys.putIfAbsent(kid, key) != null) {
                throw new IllegalArgumentException("key ring entry " + (i + 1) + " repeats key id " + kid);
            }
            if (first == null) {
                first = kid;
            }
        }
        return new KeyRing(first, keys);
    }

    public String activeKid() {
        return activeKid;
    }

    public byte[] activeKey() {
        return keys.get(activeKid).clone();
    }

    public Optional<byte[]> key(String kid) {
        byte[] key = kid == null ? null : keys.get(kid);
        return Optional.ofNullable(key).map(byte[]::clone);
    }

    /** Key ids in ring order (active first). */
    public java.util.List<String> kids() {
        return java.util.List.copyOf(keys.keySet());
    }

    /** The shortest key in the ring, in bits. */
    public int shortestKeyBits() {
        return keys.values().stream().mapToInt(k -> k.length * 8).min().orElse(0);
    }

    @Override
    public String toString() {
        return "KeyRing[active=" + activeKid + ", kids=" + keys.keySet() + "]";
    }
}
