/**
 * "What and how much to prune" (seed method 3): transfer entropy between attention and MLP module outputs gives a
 * ratio per module (the module-ratios allocation), FLAP chooses inside each module; its figures.
 */
package org.prune4j.methods.transfer;
