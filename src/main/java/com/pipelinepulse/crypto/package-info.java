/** Encryption at rest of stored third-party tokens: AES-256-GCM with a versioned key ring. */
@org.springframework.modulith.ApplicationModule(displayName = "Crypto")
package com.pipelinepulse.crypto;
