package main

import (
	"context"
	"errors"
)

func cmdVerify(ctx context.Context, e *env, args []string) error      { return errors.New("not yet") }
func cmdPrune(ctx context.Context, e *env, args []string) error       { return errors.New("not yet") }
func cmdRepairIndex(ctx context.Context, e *env, args []string) error { return errors.New("not yet") }
func cmdStatus(ctx context.Context, e *env, args []string) error      { return errors.New("not yet") }
