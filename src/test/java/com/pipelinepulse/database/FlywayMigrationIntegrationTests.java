package com.pipelinepulse.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pipelinepulse.testsupport.IntegrationTest;
import com.pipelinepulse.testsupport.TestDatabase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Flyway ran as the owner role and left the service role (the application's pool) exactly the privileges of
 * docs/deployment.md, "Database roles", on every table, those of later migrations included.
 */
@IntegrationTest
class FlywayMigrationIntegrationTests {

    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__[a-z0-9_]+\\.sql");

    @Autowired
    JdbcClient jdbc;

    @Test
    void everyMigrationOnTheClasspathRanAsTheOwnerRole() throws IOException {
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

        JdbcClient owner = TestDatabase.ownerJdbc();
        assertThat(owner.sql("select count(*) from flyway_schema_history where version = '1' and success")
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(owner.sql("select distinct installed_by from flyway_schema_history").query(String.class).list())
                .containsExactly(TestDatabase.coordinates().ownerUsername());
        Integer userTable = jdbc.sql("""
                select count(*) from information_schema.tables
                where table_schema = current_schema() and table_name = 'app_user'
                """).query(Integer.class).single();
        assertThat(userTable).isEqualTo(1);
    }

    @Test
    void theServiceRoleOwnsNothingAndHoldsOnlyTheGrantedPrivileges() {
        assertThat(jdbc.sql("select current_user").query(String.class).single())
                .isEqualTo(TestDatabase.coordinates().username())
                .isNotEqualTo(TestDatabase.coordinates().ownerUsername());
        assertThat(jdbc.sql("""
                select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = current_schema() and c.relowner = (select oid from pg_roles where rolname = current_user)
                """).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select has_schema_privilege(current_schema(), 'CREATE')").query(Boolean.class).single())
                .isFalse();

        List<Map<String, Object>> tables = jdbc.sql("""
                select c.relname as name,
                       has_table_privilege(c.oid, 'SELECT') as s, has_table_privilege(c.oid, 'INSERT') as i,
                       has_table_privilege(c.oid, 'UPDATE') as u, has_table_privilege(c.oid, 'DELETE') as d,
                       has_table_privilege(c.oid, 'TRUNCATE') as t, has_table_privilege(c.oid, 'REFERENCES') as r,
                       has_table_privilege(c.oid, 'TRIGGER') as g
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v')""").query().listOfRows();
        assertThat(tables).extracting(t -> t.get("name")).contains("app_user", "security_audit_event",
                "flyway_schema_history", "rate_limit_bucket");
        for (Map<String, Object> table : tables) {
            String name = (String) table.get("name");
            List<Object> granted = List.of(table.get("s"), table.get("i"), table.get("u"), table.get("d"),
                    table.get("t"), table.get("r"), table.get("g"));
            switch (name) {
                case "flyway_schema_history", "security_audit_event" -> assertThat(granted).as(name)
                        .containsExactly(true, name.equals("security_audit_event"), false, false, false, false, false);
                default -> assertThat(granted).as(name + ": DML on every table, also those of later migrations")
                        .containsExactly(true, true, true, true, false, false, false);
            }
        }
    }

    /** Instances starting together each grant after their migration run; the runs must not collide. */
    @Test
    void concurrentGrantRunsAllSucceed() throws Exception {
        String service = TestDatabase.coordinates().username();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> {
                    for (int round = 0; round < 5; round++) {
                        TestDatabase.ownerJdbc().sql("select grant_service_role_privileges(:role)")
                                .param("role", service).query().singleRow();
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("select has_table_privilege('app_user', 'DELETE')").query(Boolean.class).single()).isTrue();
    }

    @Test
    void grantsRefuseAServiceRoleThatOwnsAnObject() {
        JdbcClient owner = TestDatabase.ownerJdbc();
        String service = TestDatabase.coordinates().username();
        owner.sql("create table grants_probe (id int)").update();
        try {
            owner.sql("alter table grants_probe owner to " + service).update();
            assertThatThrownBy(() -> owner.sql("select grant_service_role_privileges(:role)").param("role", service)
                    .query().singleRow()).isInstanceOf(DataAccessException.class).rootCause()
                    .hasMessageContaining("owns grants_probe").hasMessageContaining("REASSIGN OWNED");
        } finally {
            owner.sql("drop table grants_probe").update();
        }
    }

    /**
     * No function of the schema resolves a name through its caller's search_path, where pg_temp comes first: each
     * pins pg_catalog, this schema and pg_temp last (V12, V51). Functions later migrations add are covered too.
     */
    @Test
    void everyFunctionOfTheSchemaPinsItsSearchPath() {
        String schema = jdbc.sql("select quote_ident(current_schema())").query(String.class).single();
        List<Map<String, Object>> functions = jdbc.sql("""
                select p.oid::regprocedure::text as name,
                       coalesce((select c from unnest(p.proconfig) c where c like 'search_path=%'), '') as path
                from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname = current_schema()""").query().listOfRows();
        assertThat(functions).extracting(f -> (String) f.get("name")).anyMatch(n -> n.startsWith("refresh_session("))
                .anyMatch(n -> n.startsWith("grant_service_role_routines(")).contains("pipeline_round2(numeric)");
        for (Map<String, Object> function : functions) {
            assertThat((String) function.get("path")).as((String) function.get("name"))
                    .isIn("search_path=pg_catalog, " + schema + ", pg_temp",
                            // grant_service_role_privileges reads current_schema(): pg_catalog is searched implicitly
                            "search_path=" + schema + ", pg_temp");
        }
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
