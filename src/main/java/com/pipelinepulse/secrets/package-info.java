/**
 * The only way any module reads a secret value: AWS Secrets Manager first, the environment second,
 * cached, never logged. See {@link com.pipelinepulse.secrets.Secrets}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Secrets")
package com.pipelinepulse.secrets;
