package com.pipelinepulse.zoho;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The data-centre table: the only accounts servers this service ever talks to. The callback's
 * {@code location}/{@code accounts-server} pair is attacker-controllable input and is accepted only when it is
 * an exact entry of this table (no outbound call is made otherwise).
 *
 * <p>The built-in table is Zoho's documented one. A configured override ({@code PP_ZOHO_DATA_CENTERS},
 * {@code us=https://...,eu=https://...}) replaces it entirely; tests and local development point it at the
 * stand-in.
 */
public final class ZohoDataCenters {

    /** Zoho's documented accounts servers by location (ZOHO.md). */
    public static final Map<String, URI> DEFAULT_TABLE = defaults();

    private static final Pattern LOCATION = Pattern.compile("[a-z]{2,8}");

    private final Map<String, ZohoDataCenter> byLocation;

    private ZohoDataCenters(Map<String, ZohoDataCenter> byLocation) {
        this.byLocation = byLocation;
    }

    /**
     * The built-in table when {@code override} is blank, else exactly the entries it lists.
     *
     * @throws IllegalArgumentException naming the bad entry when the override is malformed
     */
    public static ZohoDataCenters of(String override) {
        Map<String, ZohoDataCenter> table = new LinkedHashMap<>();
        if (override == null || override.isBlank()) {
            DEFAULT_TABLE.forEach((location, server) -> table.put(location, new ZohoDataCenter(location, server)));
            return new ZohoDataCenters(table);
        }
        String[] entries = override.trim().split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            int eq = entry.indexOf('=');
            String where = "pipelinepulse.zoho.data-centers (PP_ZOHO_DATA_CENTERS) entry " + (i + 1);
            if (eq <= 0) {
                throw new IllegalArgumentException(where + " is not of the form location=https://accounts-server");
            }
            String location = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!LOCATION.matcher(location).matches()) {
                throw new IllegalArgumentException(where + " has an invalid location code");
            }
            URI server = parseServer(entry.substring(eq + 1).trim())
                    .orElseThrow(() -> new IllegalArgumentException(where + " is not an absolute http(s) URL "
                            + "without query, fragment or user info"));
            if (table.putIfAbsent(location, new ZohoDataCenter(location, server)) != null) {
                throw new IllegalArgumentException(where + " repeats location " + location);
            }
        }
        return new ZohoDataCenters(table);
    }

    public List<ZohoDataCenter> all() {
        return List.copyOf(byLocation.values());
    }

    public Optional<ZohoDataCenter> byLocation(String location) {
        return location == null ? Optional.empty() : Optional.ofNullable(byLocation.get(location));
    }

    /**
     * The data centre for a callback's {@code location} and {@code accounts-server}, only when both name the
     * same table entry (scheme and host compared case-insensitively, a trailing slash ignored).
     */
    public Optional<ZohoDataCenter> matching(String location, String accountsServer) {
        if (location == null || accountsServer == null) {
            return Optional.empty();
        }
        Optional<URI> server = parseServer(accountsServer);
        return byLocation(location).filter(dc -> server.isPresent() && dc.accountsServer().equals(server.get()));
    }

    /** The entry whose accounts server is exactly {@code accountsServer}. */
    public Optional<ZohoDataCenter> byAccountsServer(URI accountsServer) {
        if (accountsServer == null) {
            return Optional.empty();
        }
        URI normalized = normalize(accountsServer);
        return byLocation.values().stream().filter(dc -> dc.accountsServer().equals(normalized)).findFirst();
    }

    /** Lower-case scheme and host, no trailing slash. */
    public static URI normalize(URI uri) {
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        URI trimmed = URI.create(text);
        try {
            return new URI(trimmed.getScheme().toLowerCase(Locale.ROOT), null,
                    trimmed.getHost().toLowerCase(Locale.ROOT), trimmed.getPort(), trimmed.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL", e);
        }
    }

    private static Optional<URI> parseServer(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                    || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return Optional.empty();
            }
            return Optional.of(normalize(uri));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Map<String, URI> defaults() {
        Map<String, URI> table = new LinkedHashMap<>();
        table.put("us", URI.create("https://accounts.zoho.com"));
        table.put("eu", URI.create("https://accounts.zoho.eu"));
        table.put("in", URI.create("https://accounts.zoho.in"));
        table.put("au", URI.create("https://accounts.zoho.com.au"));
        table.put("jp", URI.create("https://accounts.zoho.jp"));
        table.put("ca", URI.create("https://accounts.zohocloud.ca"));
        table.put("sa", URI.create("https://accounts.zoho.sa"));
        table.put("uk", URI.create("https://accounts.zoho.uk"));
        table.put("cn", URI.create("https://accounts.zoho.com.cn"));
        return java.util.Collections.unmodifiableMap(table);
    }

    @Override
    public String toString() {
        return "ZohoDataCenters" + byLocation.values();
    }
}
