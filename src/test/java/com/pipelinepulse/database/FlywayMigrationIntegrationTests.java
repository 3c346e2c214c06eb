package com.pipelinepulse.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.IntegrationTest;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.simple.JdbcClient;

@IntegrationTest
class FlywayMigrationIntegrationTests {

    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__[a-z0-9_]+\\.sql");

    @Autowired
    JdbcClient jdbc;

    @Test
    void everyMigrationOnTheClasspathRanAgainstTheRealDatabase() throws IOException {
        String product = jdbc.sql("select version()").query(String.class).single();
        assertThat(product).startsWith("PostgreSQL");

        List<String> onClasspath = migrationVersions();
        assertThat(onClasspath).as("migrations under db/migration").isNotEmpty().contains("1");
        List<String> applied = jdbc.sql("""
                select version from flyway_schema_history
                where version is not null and success order by installed_rank
                """).query(String.class).list();
        assertThat(applied).as("versions applied, in order").containsExactlyElementsOf(onClasspath);
        assertThat(jdbc.sql("select count(*) from flyway_schema_history where not success").query(Integer.class)
                .single()).as("failed migrations").isZero();

        Integer userTable = jdbc.sql("""
                select count(*) from information_schema.tables
                where table_schema = current_schema() and table_name = 'app_user'
                """).query(Integer.class).single();
        assertThat(userTable).isEqualTo(1);
    }

    /** The versions of the migration files the application ships, in version order; a misnamed file fails here. */
    private static List<String> migrationVersions() throws IOException {
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath*:db/migration/*.sql");
        return Arrays.stream(files).map(Resource::getFilename).map(name -> {
            Matcher matcher = MIGRATION.matcher(name);
            assertThat(matcher.matches()).as("migration file name " + name + " follows V<n>__<verb>_<object>.sql")
                    .isTrue();
            return matcher.group(1);
        }).sorted(Comparator.comparingInt(Integer::parseInt)).toList();
    }
}
