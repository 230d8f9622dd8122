// Which screen is shown. No URLs: the window has one page, and a screen is a name with an
// optional id. `back()` returns to the previous screen.
export type Route =
  | { name: "dashboard" }
  | { name: "workers" }
  | { name: "worker"; id: string }
  | { name: "worker_new" }
  | { name: "worker_edit"; id: string }
  | { name: "cases"; caseType?: string }
  | { name: "case"; id: string }
  | { name: "case_new"; workerId?: string }
  | { name: "letter_new"; caseId: string }
  | { name: "agencies" }
  | { name: "settings"; section?: "backup" };

export const router = $state({ route: { name: "dashboard" } as Route, history: [] as Route[] });

export function go(route: Route) {
  router.history.push(router.route);
  if (router.history.length > 50) router.history.shift();
  router.route = route;
}

export function back() {
  router.route = router.history.pop() ?? { name: "dashboard" };
}

export function reset() {
  router.history = [];
  router.route = { name: "dashboard" };
}
