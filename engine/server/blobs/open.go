package blobs

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Open opens the blob store spec names: a folder of the local disk (a path,
// or a file:// URL) or a bucket of an S3-compatible object store (an s3://
// URL, see OpenS3).
func Open(ctx context.Context, spec string) (Store, error) {
	switch {
	case strings.HasPrefix(spec, "s3://"):
		return OpenS3(ctx, spec)
	case strings.HasPrefix(spec, "file://"):
		u, err := url.Parse(spec)
		if err != nil {
			return nil, fmt.Errorf("blob storage %q: %w", spec, err)
		}
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("blob storage %q: a file URL names a folder of this machine (file:///path)", spec)
		}
		return OpenDisk(u.Path)
	case strings.Contains(spec, "://"):
		return nil, fmt.Errorf("blob storage %q: unknown kind (a folder, file:///path or s3://bucket)", spec)
	case spec == "":
		return nil, fmt.Errorf("blob storage: no folder or URL given")
	}
	return OpenDisk(spec)
}

// parseS3URL reads s3://BUCKET[/PREFIX]?endpoint=HOST[:PORT]&region=R&insecure=1&part-size=16MiB.
// endpoint may also be given as http://HOST:PORT (insecure) or https://HOST:PORT.
func parseS3URL(raw string) (bucket, prefix string, o S3Options, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", o, err
	}
	if u.Scheme != "s3" || u.Host == "" {
		return "", "", o, fmt.Errorf("want s3://BUCKET[/PREFIX]?endpoint=HOST:PORT")
	}
	if u.User != nil {
		return "", "", o, fmt.Errorf("credentials do not go in the URL: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	bucket, prefix = u.Host, strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "endpoint", "region", "insecure", "part-size":
		default:
			return "", "", o, fmt.Errorf("unknown parameter %q (endpoint, region, insecure, part-size)", k)
		}
	}
	o.Endpoint, o.Region = q.Get("endpoint"), q.Get("region")
	switch {
	case strings.HasPrefix(o.Endpoint, "http://"):
		o.Endpoint, o.Insecure = strings.TrimPrefix(o.Endpoint, "http://"), true
	case strings.HasPrefix(o.Endpoint, "https://"):
		o.Endpoint = strings.TrimPrefix(o.Endpoint, "https://")
	}
	o.Endpoint = strings.TrimSuffix(o.Endpoint, "/")
	if v := q.Get("insecure"); v != "" {
		if o.Insecure, err = strconv.ParseBool(v); err != nil {
			return "", "", o, fmt.Errorf("insecure=%q: want 1 or 0", v)
		}
	}
	if v := q.Get("part-size"); v != "" {
		n, err := strconv.ParseUint(strings.TrimSuffix(v, "MiB"), 10, 64)
		if err != nil || n < 5 || n > 5<<10 {
			return "", "", o, fmt.Errorf("part-size=%q: want 5MiB to 5120MiB", v)
		}
		o.PartSize = n << 20
	}
	return bucket, prefix, o, nil
}
