package com.pipelinepulse.zoho;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    /**
     * Zoho's data centres (ZOHO.md): location, accounts server, API domain. Declared before the maps made from it
     * (static initialisation runs in order).
     */
    private static final String[][] ZOHO = {
        {"us", "https://accounts.zoho.com", "https://www.zohoapis.com"},
        {"eu", "https://accounts.zoho.eu", "https://www.zohoapis.eu"},
        {"in", "https://accounts.zoho.in", "https://www.zohoapis.in"},
        {"au", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au"},
        {"jp", "https://accounts.zoho.jp", "https://www.zohoapis.jp"},
        {"ca", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca"},
        {"sa", "https://accounts.zoho.sa", "https://www.zohoapis.sa"},
        {"uk", "https://accounts.zoho.uk", "https://www.zohoapis.uk"},
        {"cn", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"},
    };

    /** Zoho's documented accounts servers by location (ZOHO.md). */
    public static final Map<String, URI> DEFAULT_TABLE = zohoColumn(1);

    /**
     * Zoho's API domains by location (ZOHO.md). Zoho documents none for {@code uk}; {@code www.zohoapis.uk} follows
     * the pattern of every other location (a UK token response naming another host is refused, see
     * docs/zoho-integration.md).
     */
    public static final Map<String, URI> DEFAULT_API_DOMAINS = zohoColumn(2);

    private static final Pattern LOCATION = Pattern.compile("[a-z]{2,8}");

    private final Map<String, ZohoDataCenter> byLocation;
    private final Set<URI> apiDomains;
    private final Set<String> apiOrigins;

    private ZohoDataCenters(Map<String, ZohoDataCenter> byLocation, boolean override) {
        this.byLocation = byLocation;
        Set<URI> domains = new LinkedHashSet<>();
        Set<String> origins = new LinkedHashSet<>();
        byLocation.forEach((location, dc) -> {
            if (DEFAULT_API_DOMAINS.containsKey(location)) {
                domains.add(DEFAULT_API_DOMAINS.get(location));
            }
            if (override) {
                origins.add(origin(dc.accountsServer()));
            }
        });
        this.apiDomains = Set.copyOf(domains);
        this.apiOrigins = Set.copyOf(origins);
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
            return new ZohoDataCenters(table, false);
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
        return new ZohoDataCenters(table, true);
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

    /**
     * The {@code api_domain} of a token response (or a stored connection) when it is one this service sends tokens
     * to: Zoho's API domain of a location of the table; with an override ({@code PP_ZOHO_DATA_CENTERS}, tests and
     * stand-ins only), also any URL on the origin (scheme, host, port) of one of its accounts servers. The value must
     * be an absolute http(s) URL without user info, query or fragment. Normalized as {@link #normalize} does.
     */
    public Optional<URI> allowedApiDomain(String apiDomain) {
        if (apiDomain == null || apiDomain.isBlank()) {
            return Optional.empty();
        }
        return parseServer(apiDomain.trim())
                .filter(uri -> apiDomains.contains(uri) || apiOrigins.contains(origin(uri)));
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
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

    private static Map<String, URI> zohoColumn(int column) {
        Map<String, URI> table = new LinkedHashMap<>();
        for (String[] row : ZOHO) {
            table.put(row[0], URI.create(row[column]));
        }
        return java.util.Collections.unmodifiableMap(table);
    }

    @Override
    public String toString() {
        return "ZohoDataCenters" + byLocation.values();
    }
}
