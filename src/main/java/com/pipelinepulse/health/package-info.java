/**
 * Health indicators that look across modules (the {@code auth} readiness check reads the JWT key ring from
 * the secrets module and the audit table). A module of its own because {@code observability} must stay free
 * of dependencies on {@code secrets} and {@code audit}, which themselves use {@code observability}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Health")
package com.pipelinepulse.health;
