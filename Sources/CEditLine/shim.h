#ifndef RCADM_CEDITLINE_SHIM_H
#define RCADM_CEDITLINE_SHIM_H

// libedit (BSD editline) for the rcadm shell.
//
// el_set, el_get and history() are C-variadic, which Swift cannot call, so every
// call shape the shell needs gets a non-variadic static inline wrapper here. The
// header is included through a [system] module map, so no C target is needed.
// Only the native API (histedit.h) is used, not the readline-compat one.

#include <histedit.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef char *(*rcadm_el_prompt_fn)(EditLine *);
typedef unsigned char (*rcadm_el_user_fn)(EditLine *, int);

// ---- el_set / el_get ----

static inline int rcadm_el_set_prompt(EditLine *el, rcadm_el_prompt_fn fn) {
  return el_set(el, EL_PROMPT, fn);
}

static inline int rcadm_el_set_editor(EditLine *el, const char *mode) {
  return el_set(el, EL_EDITOR, mode);
}

static inline int rcadm_el_set_signal(EditLine *el, int on) {
  return el_set(el, EL_SIGNAL, on);
}

static inline int rcadm_el_set_hist(EditLine *el, History *h) {
  return el_set(el, EL_HIST, history, h);
}

static inline int rcadm_el_addfn(EditLine *el, const char *name, const char *help,
                                 rcadm_el_user_fn fn) {
  return el_set(el, EL_ADDFN, name, help, fn);
}

static inline int rcadm_el_bind(EditLine *el, const char *key, const char *fn) {
  return el_set(el, EL_BIND, key, fn, NULL);
}

static inline int rcadm_el_set_clientdata(EditLine *el, void *data) {
  return el_set(el, EL_CLIENTDATA, data);
}

static inline void *rcadm_el_get_clientdata(EditLine *el) {
  void *data = NULL;
  if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
  return data;
}

static inline int rcadm_el_refresh(EditLine *el) {
  return el_set(el, EL_REFRESH);
}

// Replaces libedit's character reader (fn returns 1 with a character, 0 at end
// of input, -1 on error or interruption).
typedef int (*rcadm_el_getc_fn)(EditLine *, wchar_t *);
static inline int rcadm_el_set_getcfn(EditLine *el, rcadm_el_getc_fn fn) {
  return el_set(el, EL_GETCFN, fn);
}

// Terminal width in columns as libedit sees it (0 if unknown).
static inline int rcadm_el_columns(EditLine *el) {
  int columns = 0;
  if (el_get(el, EL_GETTC, "co", &columns, NULL) != 0) return 0;
  return columns;
}

// ---- history() ----

static inline int rcadm_history_setsize(History *h, int size) {
  HistEvent ev;
  return history(h, &ev, H_SETSIZE, size);
}

static inline int rcadm_history_setunique(History *h, int unique) {
  HistEvent ev;
  return history(h, &ev, H_SETUNIQUE, unique);
}

static inline int rcadm_history_enter(History *h, const char *line) {
  HistEvent ev;
  return history(h, &ev, H_ENTER, line);
}

static inline int rcadm_history_clear(History *h) {
  HistEvent ev;
  return history(h, &ev, H_CLEAR);
}

// ---- signals ----

// Installs `handler` for `signo` *without* SA_RESTART, so a blocking call such as
// poll() or read() fails with EINTR instead of being resumed. The previous action
// is stored in `previous` for rcadm_signal_restore.
static inline int rcadm_signal_install(int signo, void (*handler)(int), struct sigaction *previous) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  return sigaction(signo, &action, previous);
}

static inline int rcadm_signal_restore(int signo, const struct sigaction *previous) {
  return sigaction(signo, previous, NULL);
}

// ---- locale ----

// libedit decodes input with mbrtowc, so LC_CTYPE must name a UTF-8 codeset or
// every non-ASCII character is dropped. Takes LC_CTYPE from the environment and,
// if that is not UTF-8 (e.g. LANG unset, the "C" locale), falls back to C.UTF-8
// and then en_US.UTF-8. Returns 1 if the resulting codeset is UTF-8.
static inline int rcadm_ctype_is_utf8(void) {
  const char *codeset = nl_langinfo(CODESET);
  return codeset != NULL && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "UTF8") == 0);
}

static inline int rcadm_use_utf8_ctype(void) {
  setlocale(LC_CTYPE, "");
  if (rcadm_ctype_is_utf8()) return 1;
  if (setlocale(LC_CTYPE, "C.UTF-8") != NULL && rcadm_ctype_is_utf8()) return 1;
  if (setlocale(LC_CTYPE, "en_US.UTF-8") != NULL && rcadm_ctype_is_utf8()) return 1;
  return 0;
}

// ---- C globals as functions (Swift 6 rejects references to mutable C globals) ----

static inline FILE *rcadm_stdin(void) { return stdin; }
static inline FILE *rcadm_stdout(void) { return stdout; }
static inline FILE *rcadm_stderr(void) { return stderr; }

#endif
