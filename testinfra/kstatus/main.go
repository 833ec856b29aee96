// Command kstatus prints what kstatus (sigs.k8s.io/cli-utils/pkg/kstatus/status), the library
// Flux and `kubectl wait`-style tools compute health with, makes of Kubernetes objects.
//
// It reads one object, or a List, as JSON on standard input (`kubectl get ... -o json`) and
// writes one JSON line per object: {"name": ..., "status": ..., "message": ...}.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type line struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading standard input: %v", err)
	}
	// the API machinery's own decoder: integers stay int64, as kstatus expects
	obj, _, err := unstructured.UnstructuredJSONScheme.Decode(in, nil, nil)
	if err != nil {
		fail("standard input is not a Kubernetes object or List: %v", err)
	}
	var items []unstructured.Unstructured
	switch o := obj.(type) {
	case *unstructured.UnstructuredList:
		items = o.Items
	case *unstructured.Unstructured:
		items = []unstructured.Unstructured{*o}
	default:
		fail("unexpected object %T", obj)
	}
	out := json.NewEncoder(os.Stdout)
	for i := range items {
		res, err := status.Compute(&items[i])
		if err != nil {
			fail("kstatus of %s: %v", items[i].GetName(), err)
		}
		if err := out.Encode(line{Name: items[i].GetName(), Status: res.Status.String(), Message: res.Message}); err != nil {
			fail("writing: %v", err)
		}
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "kstatus: "+format+"\n", args...)
	os.Exit(2)
}
