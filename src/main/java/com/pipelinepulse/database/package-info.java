/** The DataSource: RDS IAM authentication first, password fallback; Flyway migrations. */
@org.springframework.modulith.ApplicationModule(displayName = "Database")
package com.pipelinepulse.database;
