// Command ferretdb runs an embedded FerretDB (MongoDB wire protocol over SQLite,
// or over PostgreSQL with --postgresql-url) for Docket's development, tests and
// benchmarks. It is a separate main module so the
// FerretDB CLI's build-time version check does not apply.
//
// It prints one line "FERRETDB_URI=mongodb://host:port/" once it accepts
// connections, and exits when it gets SIGINT/SIGTERM or when its standard input
// closes (the parent died), so no orphan survives a crashed test run.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free one)")
	dataDir := flag.String("data-dir", "", "directory for SQLite storage (required)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("exit-on-stdin-close", false, "exit when standard input reaches EOF")
	// SQLite serialises writers (concurrent updates wait on its lock), so benchmarks of
	// concurrent write paths can run on the local PostgreSQL instead.
	pgURL := flag.String("postgresql-url", "", "use PostgreSQL storage at this URL instead of SQLite")
	flag.Parse()

	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb: --data-dir is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: cannot create data dir: %v\n", err)
		os.Exit(1)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad --log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	dir := *dataDir
	if dir[len(dir)-1] != '/' {
		dir += "/"
	}

	cfg := &ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir,
	}
	if *pgURL != "" {
		cfg.Handler = "postgresql"
		cfg.SQLiteURL = ""
		cfg.PostgreSQLURL = *pgURL
	}
	f, err := ferretdb.New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(ctx); err != nil {
			logger.Error("run failed", "error", err)
		}
	}()

	// MongoDBURI blocks until the listener is bound.
	fmt.Printf("FERRETDB_URI=%s\n", f.MongoDBURI())

	<-done
}
