package com.pipelinepulse.pipeline;

/** A deal's health, worst first (PIPELINE.md "Health"). */
public enum Health {
    RED, YELLOW, NEEDS_UPDATE, GREEN
}
