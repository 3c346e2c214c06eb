/** Internals of the zoho module that must be public for a library to instantiate them. */
package com.pipelinepulse.zoho.internal;
