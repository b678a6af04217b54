// Package demo seeds an empty ActiveLab database so that a first `make run`
// shows a working active-learning loop: a demo admin account, the ESOL
// solubility data (examples.ESOL) split into a labeled part and an unlabeled
// pool, a trained model "ESOL solubility (logS)" and a first cycle of 25
// compounds waiting in the label queue.
//
// The serve command calls Seed once its River client is working jobs (Seed
// waits for the model's train_model job). Seed does nothing on a database
// that already has users, unless it finds the demo model without a cycle
// (a start interrupted while seeding), which it finishes. So a second start
// changes nothing.
//
// The admin is ACTIVELAB_ADMIN_EMAIL (default admin@localhost) with the
// password ACTIVELAB_ADMIN_PASSWORD, or a generated one printed once.
package demo
