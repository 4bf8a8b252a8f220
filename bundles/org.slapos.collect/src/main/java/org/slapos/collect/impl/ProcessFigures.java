package org.slapos.collect.impl;

/**
 * One process of a partition user, as stored in the {@code user} table. {@code process} is
 * {@code <pid>-<start time>}: an identity without the command line, which may hold secrets.
 */
record ProcessFigures(int pid, String process, double cpuPercent, double cpuTime, int threads,
    double memoryPercent, long memoryRss, long ioBytes, long ioOperations) {
}
