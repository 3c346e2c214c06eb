package com.pipelinepulse.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.pipelinepulse.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@IntegrationTest
class FlywayMigrationIntegrationTests {

    @Autowired
    JdbcClient jdbc;

    @Test
    void migrationsRanAgainstTheRealDatabase() {
        String product = jdbc.sql("select version()").query(String.class).single();
        assertThat(product).startsWith("PostgreSQL");

        Integer applied = jdbc.sql("select count(*) from flyway_schema_history where version = '1' and success")
                .query(Integer.class).single();
        assertThat(applied).isEqualTo(1);

        Integer userTable = jdbc.sql("""
                select count(*) from information_schema.tables
                where table_schema = current_schema() and table_name = 'app_user'
                """).query(Integer.class).single();
        assertThat(userTable).isEqualTo(1);
    }
}
