/**
 * Functional networks (seed method 1): CanICA over MLP neurons per layer and chunk of texts (FastICA, randomized
 * PCA), key neurons by saliency, the saved-networks format and its figures.
 */
package org.prune4j.methods.networks;
