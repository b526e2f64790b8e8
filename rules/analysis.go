package rules

import "github.com/ecrguard/ecrguard/estate"

// Analysis is what the rules judge: the estate and the analyses of it.
type Analysis struct {
	Estate *estate.Estate
}
