/** Whether this module is serving as an executor's guest (a worker thread or a child process). */
declare const serving: boolean;

export { serving };
