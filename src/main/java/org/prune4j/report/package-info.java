/**
 * Sinks: the run report (JSON, one-line summary), its reader, and the page and figure helpers the methods' and the
 * comparison's pages share. Nothing runs the pipeline here.
 */
package org.prune4j.report;
