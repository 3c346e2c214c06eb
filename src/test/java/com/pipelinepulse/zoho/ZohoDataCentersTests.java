package com.pipelinepulse.zoho;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ZohoDataCentersTests {

    private final ZohoDataCenters builtIn = ZohoDataCenters.of("");

    @Test
    void builtInTableIsZohosDocumentedOne() {
        assertThat(builtIn.all()).extracting(ZohoDataCenter::location)
                .containsExactly("us", "eu", "in", "au", "jp", "ca", "sa", "uk", "cn");
        assertThat(builtIn.byLocation("eu")).get().extracting(ZohoDataCenter::accountsServer)
                .isEqualTo(URI.create("https://accounts.zoho.eu"));
        assertThat(builtIn.byLocation("ca")).get().extracting(ZohoDataCenter::accountsServer)
                .isEqualTo(URI.create("https://accounts.zohocloud.ca"));
    }

    @ParameterizedTest
    @CsvSource({
            "eu, https://accounts.zoho.eu",
            "eu, https://accounts.zoho.eu/",
            "eu, HTTPS://Accounts.Zoho.EU",
            "au, https://accounts.zoho.com.au"})
    void exactPairsAreAccepted(String location, String accountsServer) {
        assertThat(builtIn.matching(location, accountsServer)).get().extracting(ZohoDataCenter::location)
                .isEqualTo(location);
    }

    @ParameterizedTest
    @CsvSource({
            "eu, https://accounts.zoho.com",                // another DC's server: mix-up
            "us, https://evil.example",
            "us, https://accounts.zoho.com.evil.example",
            "us, https://accounts.zoho.com@evil.example",
            "us, http://accounts.zoho.com",                 // downgraded scheme
            "us, https://accounts.zoho.com:8443",
            "us, https://accounts.zoho.com/oauth",
            "us, https://accounts.zoho.com?x=1",
            "us, //accounts.zoho.com",
            "xx, https://accounts.zoho.com",
            "US, https://accounts.zoho.com",
            "us, not a url"})
    void anythingElseIsRefused(String location, String accountsServer) {
        assertThat(builtIn.matching(location, accountsServer)).isEmpty();
    }

    @Test
    void missingHalvesAreRefused() {
        assertThat(builtIn.matching(null, "https://accounts.zoho.com")).isEmpty();
        assertThat(builtIn.matching("us", null)).isEmpty();
    }

    @Test
    void overrideReplacesTheWholeTable() {
        ZohoDataCenters table = ZohoDataCenters.of("us=http://localhost:8090/us, eu=http://localhost:8090/eu/");
        assertThat(table.all()).extracting(ZohoDataCenter::location).containsExactly("us", "eu");
        assertThat(table.matching("eu", "http://localhost:8090/eu")).isPresent();
        assertThat(table.matching("eu", "https://accounts.zoho.eu")).isEmpty();
        assertThat(table.byAccountsServer(URI.create("http://LOCALHOST:8090/us/"))).get()
                .extracting(ZohoDataCenter::location).isEqualTo("us");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://www.zohoapis.com", "https://www.zohoapis.eu/", "HTTPS://WWW.ZOHOAPIS.COM.AU",
            "https://www.zohoapis.uk", "https://www.zohoapis.com.cn"})
    void zohosApiDomainsAreAccepted(String apiDomain) {
        assertThat(builtIn.allowedApiDomain(apiDomain)).get().extracting(URI::getHost).asString()
                .startsWith("www.zohoapis.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://crm.evil.example", "https://www.zohoapis.com.evil.example",
            "https://evil.example/www.zohoapis.com", "http://www.zohoapis.com", "https://www.zohoapis.com:8443",
            "https://user@www.zohoapis.com", "https://www.zohoapis.com?x=1", "https://www.zohoapis.com#x",
            "https://accounts.zoho.com", "ftp://www.zohoapis.com", "www.zohoapis.com", ""})
    void anyOtherApiDomainIsRefused(String apiDomain) {
        assertThat(builtIn.allowedApiDomain(apiDomain)).isEmpty();
    }

    @Test
    void anOverrideAlsoAcceptsApiDomainsOnItsAccountsServersOrigins() {
        ZohoDataCenters table = ZohoDataCenters.of("us=http://localhost:8090/us,eu=http://localhost:8090/eu");
        assertThat(table.allowedApiDomain("http://localhost:8090/api/us")).isPresent();
        assertThat(table.allowedApiDomain("https://www.zohoapis.eu")).isPresent();
        assertThat(table.allowedApiDomain("https://www.zohoapis.in")).isEmpty();
        assertThat(table.allowedApiDomain("http://localhost:8091/api/us")).isEmpty();
        assertThat(table.allowedApiDomain("http://127.0.0.1:8090/api/us")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"us", "us=", "=https://a.example", "u$=https://a.example", "us=ftp://a.example",
            "us=https://a.example?q=1", "us=https://a.example,us=https://b.example", "us=relative/path"})
    void malformedOverrideFailsNamingTheSetting(String override) {
        assertThatThrownBy(() -> ZohoDataCenters.of(override))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PP_ZOHO_DATA_CENTERS");
    }
}
