/** Sign-in with Zoho: the start and callback legs, the one-time state, the return-to policy and the sign-in errors. */
package com.pipelinepulse.zoho.signin;
