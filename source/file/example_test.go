package file_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/source/file"
)

// Files are recognized by their content; problems become gaps with
// file:line:col, and the good files are still read.
func ExampleLoad() {
	fsys := fstest.MapFS{
		"policies/app.json": {Data: []byte(`{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`)},
		"policies/web.json": {Data: []byte(`{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage",}]}`)},
	}
	e, err := file.Load(context.Background(), fsys, []string{"policies"}, file.Options{Account: "111122223333"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range e.Lookup("111122223333").Region("").Repositories() {
		fmt.Println(r.ARN)
	}
	for _, g := range e.Gaps {
		fmt.Println(g)
	}
	// Output:
	// arn:aws:ecr:us-east-1:111122223333:repository/app
	// policies/web.json:2:71: parse-error: invalid JSON: unexpected '}' in object, expected a quoted key
}
