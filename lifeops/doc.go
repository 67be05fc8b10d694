// Package lifeops is the core of LifeOps: the domain types, the ports that
// adapters implement, the error model, and the Service that runs every use
// case on top of the pure score and timeline packages.
package lifeops
