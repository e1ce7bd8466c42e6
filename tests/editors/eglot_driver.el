;;; eglot_driver.el --- batch Emacs + eglot driver for the azureml-migrate server  -*- lexical-binding: t -*-
;;
;; Emacs 28 + Debian's elpa-eglot 1.9 (no -Q: Debian's site-start activates the package).
;; Run through test_emacs_eglot.py, which sets:
;;   AZDRV_CMD         JSON array: the server command line
;;   AZDRV_ROOT        project root (one transient project, so one server for every file)
;;   AZDRV_QUICKFIX    a file: diagnostics, hover, the AML101 quick fix, save
;;   AZDRV_COMMAND     optional file: azureml-migrate.migrateFile (workspace/applyEdit), save
;;   AZDRV_OUT         where the JSON report goes
;;   AZDRV_TIMEOUT_MS  per-step timeout (default 10000)
;; Exits 0 when every step ran, 1 otherwise (the report says why); every wait is bounded.
;;
;; Batch-mode notes: idle timers never fire, so eglot's didChange (sent from an idle timer)
;; is sent by hand after edits, and flymake is restarted while waiting for diagnostics.

(require 'json)
(require 'eglot)
(require 'flymake)
(require 'project)

(defvar azdrv-timeout (/ (string-to-number (or (getenv "AZDRV_TIMEOUT_MS") "10000")) 1000.0))
(defvar azdrv-report nil)
(defvar azdrv-t0 (float-time))
(defvar azdrv-steps nil)

(defun azdrv-put (k v) (setq azdrv-report (plist-put azdrv-report k v)))
(defun azdrv-ms () (round (* 1000 (- (float-time) azdrv-t0))))
(defun azdrv-step (name) (push (list :name name :t_ms (azdrv-ms)) azdrv-steps))

(defun azdrv-wait (what pred)
  "Spin the event loop until PRED returns non-nil; signal an error after the timeout."
  (let ((deadline (+ (float-time) azdrv-timeout)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (or v (error "Timed out after %ss waiting for %s" azdrv-timeout what))))

(defun azdrv-finish (ok &optional err)
  (azdrv-put :ok (if ok t :json-false))
  (when err (azdrv-put :error err))
  (azdrv-put :steps (vconcat (reverse azdrv-steps)))
  (azdrv-put :total_ms (azdrv-ms))
  (with-temp-file (getenv "AZDRV_OUT") (insert (json-encode azdrv-report)))
  (ignore-errors (let ((s (eglot-current-server))) (when s (eglot-shutdown s nil 2))))
  (kill-emacs (if ok 0 1)))

(defun azdrv-diags ()
  "The buffer's flymake diagnostics, with the LSP diagnostic eglot attached."
  (mapcar (lambda (d)
            (let* ((beg (flymake-diagnostic-beg d))
                   (lsp (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))))
              (list :line (1- (line-number-at-pos beg))
                    :col (save-excursion (goto-char beg) (current-column))
                    :type (format "%s" (flymake-diagnostic-type d))
                    :text (flymake-diagnostic-text d)
                    :code (plist-get lsp :code)
                    :source (plist-get lsp :source)
                    :severity (plist-get lsp :severity)
                    :tags (plist-get lsp :tags))))
          (sort (flymake-diagnostics)
                (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b))))))

(defun azdrv-text () (buffer-substring-no-properties (point-min) (point-max)))

(defun azdrv-wait-diagnostics ()
  (azdrv-wait "diagnostics" (lambda () (or (flymake-diagnostics) (progn (flymake-start) nil))))
  (accept-process-output nil 0.05)
  (flymake-start))

(defun azdrv-wait-clean ()
  "Send the pending didChange, then wait for an empty republish."
  (eglot--signal-textDocument/didChange)
  (let ((deadline (+ (float-time) azdrv-timeout)))
    (while (and (flymake-diagnostics) (< (float-time) deadline))
      (flymake-start)
      (accept-process-output nil 0.02)))
  (vconcat (azdrv-diags)))

(defun azdrv-open (file)
  (find-file file)
  (python-mode)                         ; eglot attaches from after-change-major-mode-hook
  (unless (eglot-current-server)
    (let ((cmd (append (json-read-from-string (getenv "AZDRV_CMD")) nil)))
      ;; eglot 1.9 wants a LIST of managed major modes
      (eglot '(python-mode) (project-current) 'eglot-lsp-server cmd "python")
      (azdrv-wait "the server" #'eglot-current-server)
      (azdrv-step "initialized")))
  (azdrv-wait "eglot to manage the buffer" (lambda () eglot--managed-mode)))

(defun azdrv-quickfix (file)
  (let (sc)
    (azdrv-open file)
    (azdrv-wait-diagnostics)
    (setq sc (plist-put sc :diagnostics (vconcat (azdrv-diags))))
    (azdrv-step "quickfix: diagnostics")
    (let* ((d (or (cl-find-if (lambda (d) (string-match-p "AML101" (flymake-diagnostic-text d)))
                              (flymake-diagnostics))
                  (error "No AML101 diagnostic")))
           (beg (flymake-diagnostic-beg d))
           (end (flymake-diagnostic-end d))
           (server (eglot-current-server)))
      (goto-char beg)
      (let ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams))))
        (setq sc (plist-put sc :hover (plist-get (plist-get hover :contents) :value))))
      (azdrv-step "quickfix: hover")
      ;; no ACTION-KIND: quick fixes and source actions, as a user's menu shows them
      (let* ((actions (eglot-code-actions beg end nil nil))
             (chosen (cl-find-if (lambda (a)
                                   (and (equal (plist-get a :kind) "quickfix")
                                        (string-prefix-p "Migrate `Workspace.from_config`"
                                                         (plist-get a :title))))
                                 actions)))
        (setq sc (plist-put sc :code_actions
                            (vconcat (mapcar (lambda (a)
                                               (list :title (plist-get a :title) :kind (plist-get a :kind)
                                                     :isPreferred (plist-get a :isPreferred)
                                                     :has_edit (if (plist-get a :edit) t :json-false)))
                                             actions))))
        (azdrv-step "quickfix: code actions")
        (unless chosen (error "No \"Migrate `Workspace.from_config`\" quick fix offered"))
        ;; eglot 1.9 does not advertise codeAction resolveSupport, so the edit should be
        ;; inline; resolve it if the server sent none anyway
        (unless (or (plist-get chosen :edit) (plist-get chosen :command))
          (setq chosen (jsonrpc-request server :codeAction/resolve chosen))
          (setq sc (plist-put sc :resolved t)))
        (let ((edit (or (plist-get chosen :edit) (error "The quick fix has no edit"))))
          (setq sc (plist-put sc :edit_shape (if (plist-get edit :documentChanges) "documentChanges" "changes")))
          (eglot--apply-workspace-edit edit))
        (setq sc (plist-put sc :applied (plist-get chosen :title)))
        (setq sc (plist-put sc :after_text (azdrv-text)))
        (azdrv-step "quickfix: applied")))
    (setq sc (plist-put sc :diagnostics_after (azdrv-wait-clean)))
    (azdrv-step "quickfix: diagnostics after")
    (save-buffer)
    sc))

(defun azdrv-command (file)
  (let (sc)
    (azdrv-open file)
    (azdrv-wait-diagnostics)
    (setq sc (plist-put sc :diagnostics (vconcat (azdrv-diags))))
    (let ((result (eglot-execute-command
                   (eglot-current-server) 'azureml-migrate.migrateFile
                   (vector (list :uri (eglot--path-to-uri buffer-file-name)
                                 :version eglot--versioned-identifier)))))
      (setq sc (plist-put sc :command_result result)))
    (setq sc (plist-put sc :after_text (azdrv-text)))
    (azdrv-step "command: applied")
    (setq sc (plist-put sc :diagnostics_after (azdrv-wait-clean)))
    (azdrv-step "command: diagnostics after")
    (save-buffer)
    sc))

(condition-case err
    (let ((root (file-name-as-directory (expand-file-name (getenv "AZDRV_ROOT"))))
          (eglot-sync-connect t)
          (eglot-autoshutdown nil)
          (eglot-events-buffer-size 0)
          ;; workspace/applyEdit from the server would otherwise ask y-or-n-p on stdin
          (eglot-confirm-server-initiated-edits nil)
          (make-backup-files nil)
          (create-lockfiles nil)
          (auto-save-default nil))
      (azdrv-put :emacs emacs-version)
      (azdrv-put :eglot_library (locate-library "eglot"))  ; .../elpa/eglot-1.9/eglot.elc
      ;; not a VC checkout: one transient project for every file under ROOT
      (add-hook 'project-find-functions (lambda (_dir) (cons 'transient root)))
      (azdrv-put :quickfix (azdrv-quickfix (expand-file-name (getenv "AZDRV_QUICKFIX"))))
      (when (getenv "AZDRV_COMMAND")
        (azdrv-put :command (azdrv-command (expand-file-name (getenv "AZDRV_COMMAND")))))
      (azdrv-finish t))
  (error (azdrv-finish nil (format "%S" err))))
