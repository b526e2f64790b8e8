package file

import (
	"context"

	"github.com/ecrguard/ecrguard/eval"
)

// PolicyFiles name the policy files of one simulated request, each a path
// of the operating system holding one policy ("" or none: no such
// policy).
type PolicyFiles struct {
	// Identity are the caller's identity policies; SCPs those over its
	// account and RCPs those over the resource's, a file per level of the
	// organization, root first.
	Identity, SCPs, RCPs []string
	// Resource is the resource's policy, Boundary the caller's permissions
	// boundary, Session its session policy.
	Resource, Boundary, Session string
}

// ReadPolicySet reads each file of fs as scan reads it (ReadDocument) and
// compiles it, named by its path, into its place of the policy set. The
// first file that does not read is the error.
func ReadPolicySet(ctx context.Context, fs PolicyFiles) (*eval.PolicySet, error) {
	ps := &eval.PolicySet{}
	for _, slot := range []struct {
		paths []string
		dst   *[]*eval.Policy
	}{{fs.Identity, &ps.Identity}, {fs.SCPs, &ps.SCPs}, {fs.RCPs, &ps.RCPs}} {
		for _, path := range slot.paths {
			pol, err := readPolicy(ctx, path)
			if err != nil {
				return nil, err
			}
			*slot.dst = append(*slot.dst, pol)
		}
	}
	for _, slot := range []struct {
		path string
		dst  **eval.Policy
	}{{fs.Resource, &ps.Resource}, {fs.Boundary, &ps.Boundary}, {fs.Session, &ps.Session}} {
		if slot.path == "" {
			continue
		}
		var err error
		if *slot.dst, err = readPolicy(ctx, slot.path); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// readPolicy reads the one policy of a file (ReadDocument) and compiles
// it, named by its path.
func readPolicy(ctx context.Context, path string) (*eval.Policy, error) {
	doc, err := ReadDocument(ctx, path)
	if err != nil {
		return nil, err
	}
	return eval.Compile(path, doc), nil
}
